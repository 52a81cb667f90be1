import{createRequire as __chaosCreateRequire}from'node:module';const require=__chaosCreateRequire(import.meta.url);
import{a as e}from"./chunk-e3b0c442.js";var s=new Set(["TypeError","RangeError","ReferenceError","SyntaxError","EvalError","URIError"]);function o(n,r={}){if(n instanceof Error){let t=(r.whole?n.message.trim():n.message.split(`
`)[0].trim())||n.name;return s.has(n.name)?`${n.name}: ${t}`:t}return String(n)}e(o,"errorMessage");function i(n){return n instanceof Error?n.message:String(n)}e(i,"plainErrorMessage");export{o as a,i as b};
