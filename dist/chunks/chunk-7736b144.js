import{a as o}from"./chunk-e3b0c442.js";var r=o(n=>typeof n=="object"&&n!==null&&!Array.isArray(n),"isRecord");export{r as a};
