#!/usr/bin/env node
import { createRequire as __chaosCreateRequire } from 'node:module';
const require = __chaosCreateRequire(import.meta.url);
import{a as r}from"./chunks/chunk-WT6XYUXJ.js";import"./chunks/chunk-BQACY46V.js";import"./chunks/chunk-UH33BJCA.js";import"./chunks/chunk-ABTOX4KB.js";import"./chunks/chunk-NOZODX3G.js";import"./chunks/chunk-NLCKSIKW.js";import"./chunks/chunk-M5NI6ESG.js";import"./chunks/chunk-H5YWISUH.js";import"./chunks/chunk-MPO3H56Z.js";import"./chunks/chunk-J3NS7Y44.js";import"./chunks/chunk-G3JUBM7W.js";import"./chunks/chunk-TENFDKUO.js";import"./chunks/chunk-IRSNRLR6.js";await r();
//# sourceMappingURL=index.js.map
