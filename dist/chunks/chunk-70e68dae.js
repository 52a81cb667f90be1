import{createRequire as __chaosCreateRequire}from'node:module';const require=__chaosCreateRequire(import.meta.url);
import{b as r}from"./chunk-a1275c7e.js";import{a as o}from"./chunk-e3b0c442.js";function t(n){return n instanceof r}o(t,"isInputError");function i(n){return t(n)?2:1}o(i,"exitCodeOfError");export{t as a,i as b};
