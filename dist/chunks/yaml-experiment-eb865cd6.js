import{createRequire as __chaosCreateRequire}from'node:module';const require=__chaosCreateRequire(import.meta.url);
import{a,b}from"./chunk-cca88153.js";import"./chunk-7b3f3d8f.js";import"./chunk-c6463cec.js";import"./chunk-84bf4be3.js";import"./chunk-84763dea.js";import"./chunk-e3b0c442.js";export{b as parseYamlText,a as pyyamlTags};
