#!/usr/bin/env node
import { createRequire as __chaosCreateRequire } from 'node:module';
const require = __chaosCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-IYXXQ54J.js";import"./chunk-B7QBKSKD.js";import"./chunk-JLJOWUSA.js";import"./chunk-L3DKI73A.js";import"./chunk-5IXWNVIW.js";import"./chunk-72WBGBZX.js";import"./chunk-KHYQCORR.js";import"./chunk-VWCATYFU.js";import"./chunk-G3JUBM7W.js";import"./chunk-AT4DBTWZ.js";import"./chunk-4BXLDDFD.js";import"./chunk-IRSNRLR6.js";export{a as deleteNodesSelection,c as implementations,b as planDrain};
//# sourceMappingURL=node-H3EDGL2P.js.map
