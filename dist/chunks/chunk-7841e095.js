import{createRequire as __chaosCreateRequire}from'node:module';const require=__chaosCreateRequire(import.meta.url);
import{a as n}from"./chunk-e3b0c442.js";var t=class extends Error{static{n(this,"ActivityFailed")}name="ActivityFailed";output;constructor(e,u={}){super(e,{cause:u.cause}),this.output=u.output??null}};export{t as a};
