import{a,b,c,d,e}from"./chunk-e3d40d8e.js";import"./chunk-e3b0c442.js";export{a as convertPathToPattern,b as escapePath,d as glob,e as globSync,c as isDynamicPattern};
