#!/usr/bin/env node
import { createRequire as __chaosCreateRequire } from 'node:module';
const require = __chaosCreateRequire(import.meta.url);
import{sn as r}from"./chunk-AT4DBTWZ.js";import{a as n}from"./chunk-IRSNRLR6.js";function t(i,e){return JSON.parse(JSON.stringify(r.serialize(i,e,"")))}n(t,"toWire");export{t as a};
//# sourceMappingURL=chunk-72WBGBZX.js.map
