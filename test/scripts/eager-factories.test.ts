// The build puts esbuild's CommonJS factories in parentheses, so V8 compiles them with their file and
// Node's compile cache keeps them (scripts/eager-factories.js).
import { createRequire } from "node:module";
import { join } from "node:path";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { eagerCommonJsFactories } from "../../scripts/eager-factories.ts";

const runtime =
  "var m=(a,b)=>b;var p=(a,b)=>()=>{try{return b||a((b={exports:{}}).exports,b),b.exports}catch(c){throw b=0,c}};export{m as a,p as d};";

describe("eagerCommonJsFactories", () => {
  it("puts every factory passed to __commonJS in parentheses, in the runtime chunk and where it is imported", () => {
    const chunk =
      'import{a as o,d as y}from"./chunk-rt.js";var O=y((M,x)=>{var s="{(";x.exports={f:function(){return /}/}}}),Q=y(function(e){e.v=1}),R=o(()=>1);export{O as a};';
    const entry = 'import{d as q}from"./chunks/chunk-rt.js";var Z=q(e=>{e.z=[1,2].map(n=>n)});';
    const out = eagerCommonJsFactories(
      new Map([
        ["chunk-rt.js", `${runtime}var L=p(e=>{e.l=1});`],
        ["chunk-a.js", chunk],
        ["cli.js", entry],
      ]),
    );
    expect(out.get("chunk-a.js")).toBe(
      'import{a as o,d as y}from"./chunk-rt.js";var O=y(((M,x)=>{var s="{(";x.exports={f:function(){return /}/}}})),Q=y((function(e){e.v=1})),R=o(()=>1);export{O as a};',
    );
    expect(out.get("cli.js")).toBe(
      'import{d as q}from"./chunks/chunk-rt.js";var Z=q((e=>{e.z=[1,2].map(n=>n)}));',
    );
    expect(out.get("chunk-rt.js")).toBe(`${runtime}var L=p((e=>{e.l=1}));`);
  });

  it("leaves files that import no factory helper as they are, and refuses a runtime it does not know", () => {
    const plain = new Map([["cli.js", "console.log(1);"]]);
    expect(eagerCommonJsFactories(plain)).toEqual(plain);
    expect(() => eagerCommonJsFactories(new Map([["x.js", "var p=a=>({exports:{}});"]]))).toThrow(
      /__commonJS helper/,
    );
  });

  it("makes V8 compile a factory with its file (the check can fail: without parentheses it stays lazy)", () => {
    const body = Array.from({ length: 50 }, (_, i) => `var v${i}=function(a){return a+${i}};`).join("");
    const lazy = new vm.Script(`var y=a=>a;var O=y(M=>{${body}});`).createCachedData().length;
    const eager = new vm.Script(`var y=a=>a;var O=y((M=>{${body}}));`).createCachedData().length;
    expect(eager).toBeGreaterThan(lazy * 4);
  });
});

it("the built dist/ has its CommonJS factories in parentheses", () => {
  const require = createRequire(import.meta.url);
  const fs = require("node:fs") as typeof import("node:fs");
  const dist = join(import.meta.dirname, "..", "..", "dist", "chunks");
  const modules = fs
    .readdirSync(dist)
    .filter((file) => file.endsWith(".js"))
    .map((file) => fs.readFileSync(join(dist, file), "utf8"))
    .join("\n");
  // A bundled CommonJS module's factory starts with its "use strict" directive.
  const factory = (parenthesis: string) =>
    modules.match(new RegExp(`=[\\w$]+\\(${parenthesis}[\\w$]+=>\\{"use strict";`, "g"))?.length ?? 0;
  expect(factory("\\("), "factories in parentheses").toBeGreaterThan(100);
  expect(factory(""), "factories without").toBe(0);
});
