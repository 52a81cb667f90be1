#!/usr/bin/env node
import { createRequire as __chaosCreateRequire } from 'node:module';
const require = __chaosCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-7R24FFQV.js";import"./chunk-A53YBKWX.js";import"./chunk-AX2Z6XDX.js";import"./chunk-UAMM5S7A.js";import"./chunk-VEESDHTL.js";import"./chunk-L3DKI73A.js";import"./chunk-J3NS7Y44.js";import"./chunk-MC55X4H6.js";import"./chunk-72WBGBZX.js";import"./chunk-KHYQCORR.js";import"./chunk-FDQW5REH.js";import"./chunk-G3JUBM7W.js";import"./chunk-AT4DBTWZ.js";import"./chunk-H4AH6J5A.js";import"./chunk-4BXLDDFD.js";import"./chunk-IRSNRLR6.js";export{a as HelperPolicies,b as helperPolicy,c as implementations};
//# sourceMappingURL=networking-4Z3MZKJB.js.map
