#!/usr/bin/env node
import { createRequire as __chaosCreateRequire } from 'node:module';
const require = __chaosCreateRequire(import.meta.url);
import{a as o,b as t,c as m,d as p,e as f,f as i,g as c,h as S}from"./chunk-4BXLDDFD.js";import{f as e}from"./chunk-IRSNRLR6.js";var a=e(i(),1),b=e(p(),1),s=e(o(),1),k=e(t(),1),l=e(m(),1),n=e(c(),1),r=e(f(),1),x=e(S(),1);var W=r.default;export{x as a,W as b};
//# sourceMappingURL=chunk-ROOFXTS5.js.map
