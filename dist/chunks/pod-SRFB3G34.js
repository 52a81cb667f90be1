#!/usr/bin/env node
import { createRequire as __chaosCreateRequire } from 'node:module';
const require = __chaosCreateRequire(import.meta.url);
import{a,b}from"./chunk-ZDPBKVDE.js";import"./chunk-ROOFXTS5.js";import"./chunk-VEESDHTL.js";import"./chunk-L3DKI73A.js";import"./chunk-KHYQCORR.js";import"./chunk-FDQW5REH.js";import"./chunk-G3JUBM7W.js";import"./chunk-AT4DBTWZ.js";import"./chunk-H4AH6J5A.js";import"./chunk-4BXLDDFD.js";import"./chunk-IRSNRLR6.js";export{b as implementations,a as podSelectionOf};
//# sourceMappingURL=pod-SRFB3G34.js.map
