#!/usr/bin/env node
import { createRequire as __chaosCreateRequire } from 'node:module';
const require = __chaosCreateRequire(import.meta.url);
import{a,b}from"./chunk-K342MFOG.js";import"./chunk-ROOFXTS5.js";import"./chunk-NMWLGKR3.js";import"./chunk-L3DKI73A.js";import"./chunk-KHYQCORR.js";import"./chunk-T5KABMCZ.js";import"./chunk-G3JUBM7W.js";import"./chunk-AT4DBTWZ.js";import"./chunk-TENFDKUO.js";import"./chunk-4BXLDDFD.js";import"./chunk-IRSNRLR6.js";export{b as implementations,a as podSelectionOf};
//# sourceMappingURL=pod-TEKEL5OJ.js.map
