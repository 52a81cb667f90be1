import{a as e}from"./chunk-e3b0c442.js";var t=["kube-system","kube-public","kube-node-lease"];function o(n){return t.includes(n)}e(o,"isProtectedNamespace");export{o as a};
