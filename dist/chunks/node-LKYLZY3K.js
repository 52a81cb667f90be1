#!/usr/bin/env node
import { createRequire as __chaosCreateRequire } from 'node:module';
const require = __chaosCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-H6ZRUOBL.js";import"./chunk-MA5SOOPQ.js";import"./chunk-NMWLGKR3.js";import"./chunk-L3DKI73A.js";import"./chunk-4H5JJOPD.js";import"./chunk-72WBGBZX.js";import"./chunk-KHYQCORR.js";import"./chunk-T5KABMCZ.js";import"./chunk-G3JUBM7W.js";import"./chunk-AT4DBTWZ.js";import"./chunk-TENFDKUO.js";import"./chunk-4BXLDDFD.js";import"./chunk-IRSNRLR6.js";export{a as deleteNodesSelection,c as implementations,b as planDrain};
//# sourceMappingURL=node-LKYLZY3K.js.map
