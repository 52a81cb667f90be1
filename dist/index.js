#!/usr/bin/env node
import { createRequire as __chaosCreateRequire } from 'node:module';
const require = __chaosCreateRequire(import.meta.url);
import{a as r}from"./chunks/chunk-A3PBPLRH.js";import"./chunks/chunk-AJNWJT75.js";import"./chunks/chunk-NOZODX3G.js";import"./chunks/chunk-BQACY46V.js";import"./chunks/chunk-UH33BJCA.js";import"./chunks/chunk-RL4CELBM.js";import"./chunks/chunk-X3JZ6TAU.js";import"./chunks/chunk-J3NS7Y44.js";import"./chunks/chunk-G3JUBM7W.js";import"./chunks/chunk-H4AH6J5A.js";import"./chunks/chunk-IRSNRLR6.js";await r();
//# sourceMappingURL=index.js.map
