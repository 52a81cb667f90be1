import{q as a,r as b}from"./chunk-e44c9a9a.js";import"./chunk-2762a8e9.js";import"./chunk-e3b0c442.js";export{a as CoreV1ApiRequestFactory,b as CoreV1ApiResponseProcessor};
