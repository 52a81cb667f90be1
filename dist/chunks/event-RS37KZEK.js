#!/usr/bin/env node
import { createRequire as __chaosCreateRequire } from 'node:module';
const require = __chaosCreateRequire(import.meta.url);
import{a as e,c as r}from"./chunk-L3DKI73A.js";import{a as l}from"./chunk-72WBGBZX.js";import{b as s}from"./chunk-KHYQCORR.js";import{a as o}from"./chunk-FDQW5REH.js";import"./chunk-G3JUBM7W.js";import{$n as n}from"./chunk-AT4DBTWZ.js";import"./chunk-H4AH6J5A.js";import"./chunk-4BXLDDFD.js";import{a as i}from"./chunk-IRSNRLR6.js";async function c(t,m){let p=(await s(m)).makeApiClient(n),a=await o({verb:"list",resource:"events.events.k8s.io"},()=>p.listEventForAllNamespaces({labelSelector:e(t,"label_selector")||void 0,fieldSelector:e(t,"field_selector")||void 0,limit:r(t,"limit")??100}));return l(a,"EventsV1EventList")}i(c,"getEvents");var A={get_events:c};export{A as implementations};
//# sourceMappingURL=event-RS37KZEK.js.map
