import{a as t}from"./chunk-e3b0c442.js";function d(e){return e.status!=="completed"?"failed":e.deviated?"deviated":"passed"}t(d,"verdictOf");export{d as a};
