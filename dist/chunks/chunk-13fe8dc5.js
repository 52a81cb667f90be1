import{a as s}from"./chunk-e3b0c442.js";function f(i,n){let e=i;for(let t of n){let o=e.members?e.members.get(String(t)):typeof t=="number"?e.items?.[t]:void 0;if(o===void 0)break;e=o}return e.offset}s(f,"locateIn");function m(i){let n=[0];for(let e=i.indexOf(`
`);e!==-1;e=i.indexOf(`
`,e+1))n.push(e+1);return e=>{let t=0,o=n.length-1;for(;t<o;){let r=t+o+1>>1;n[r]<=e?t=r:o=r-1}return{line:t+1,column:e-n[t]+1}}}s(m,"positionsIn");export{f as a,m as b};
