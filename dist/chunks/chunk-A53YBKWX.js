#!/usr/bin/env node
import { createRequire as __chaosCreateRequire } from 'node:module';
const require = __chaosCreateRequire(import.meta.url);
import{a as f}from"./chunk-J3NS7Y44.js";import{a as o}from"./chunk-G3JUBM7W.js";import{a,f as p}from"./chunk-IRSNRLR6.js";var c=p(f(),1);import{readFile as y}from"node:fs/promises";import{extname as d,resolve as u}from"node:path";async function h(i,l){let r=u(l,i),t=d(r).toLowerCase();if(![".json",".yaml",".yml"].includes(t))throw new o(`cannot process ${i}: a spec file must end in .json, .yaml or .yml`);let s;try{s=await y(r,"utf8")}catch(n){let m=n.code;throw new o(`cannot read spec file ${r}${m==="ENOENT"?": no such file":`: ${n.message}`}`)}let e;try{e=t===".json"?JSON.parse(s):(0,c.parse)(s)}catch(n){throw new o(`spec file ${r} is not valid ${t===".json"?"JSON":"YAML"}: ${n.message.split(`
`)[0]}`)}if(e===null||typeof e!="object"||Array.isArray(e))throw new o(`spec file ${r} must hold one Kubernetes object (a mapping), not ${Array.isArray(e)?"a list":typeof e}`);return e}a(h,"readSpecFile");export{h as a};
//# sourceMappingURL=chunk-A53YBKWX.js.map
