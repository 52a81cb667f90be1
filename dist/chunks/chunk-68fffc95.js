import{createRequire as __chaosCreateRequire}from'node:module';const require=__chaosCreateRequire(import.meta.url);
import{a as e}from"./chunk-e3b0c442.js";var n="chaosaddons.controls.safeguards",s=e(o=>typeof o=="object"&&o!==null&&typeof o.provider=="object"&&o.provider?.module===n,"isSafeguardsControl"),a="chaosaction.load.probes",r="chaos_action";export{s as a,a as b,r as c};
