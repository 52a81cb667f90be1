#!/usr/bin/env node
import { createRequire as __chaosCreateRequire } from 'node:module';
const require = __chaosCreateRequire(import.meta.url);
import{a as r}from"./chunk-G3JUBM7W.js";import{a as n}from"./chunk-IRSNRLR6.js";var c="chaos-action/run";async function s(t){let e=t.services.kubernetes;if(typeof e?.connect!="function")throw new r("this activity needs a Kubernetes cluster, but the run has no cluster connection");return e.connect(t.secrets)}n(s,"kubeConfigOf");function u(t){let e=t.services.runId;return typeof e=="string"&&e.length>0?e:"unknown"}n(u,"runIdOf");function a(t){let e=t.services.random;return typeof e=="function"?e:Math.random}n(a,"randomOf");function f(t,e){let o=t.services.record;typeof o=="function"&&o(e)}n(f,"recordTouch");export{c as a,s as b,u as c,a as d,f as e};
//# sourceMappingURL=chunk-KHYQCORR.js.map
