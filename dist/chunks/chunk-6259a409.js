import{createRequire as __chaosCreateRequire}from'node:module';const require=__chaosCreateRequire(import.meta.url);
import{a as n}from"./chunk-e3b0c442.js";var M={baseMs:500,capMs:1e4};function c(r,s,e=M){let o=Math.min(Math.max(r-1,0),30),t=Math.min(e.capMs,e.baseMs*2**o),a=Math.min(Math.max(s(),0),1);return e.jitter==="full"?Math.floor(t*a):t/2+t/2*a}n(c,"backoffMs");export{c as a};
