import{c as a,d as b}from"./chunk-055737b6.js";import"./chunk-0fead249.js";import"./chunk-e3b0c442.js";export{a as context,b as getOctokit};
