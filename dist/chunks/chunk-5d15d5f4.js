import{createRequire as __chaosCreateRequire}from'node:module';const require=__chaosCreateRequire(import.meta.url);
import{a as t}from"./chunk-e3b0c442.js";function d(e){return e.status!=="completed"?"failed":e.deviated?"deviated":"passed"}t(d,"verdictOf");export{d as a};
