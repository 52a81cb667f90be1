import{a}from"./chunk-84bf4be3.js";import"./chunk-e3b0c442.js";export default a();
