#!/usr/bin/env node
import{a as t}from"./chunks/chunk-acfbe3da.js";import{a as s}from"./chunks/chunk-e3b0c442.js";import*as o from"node:module";var i=t();o.enableCompileCache?.();var{main:c}=await import("./chunks/main-c26c017f.js"),r=await c(process.argv.slice(2),{stdout:s(e=>process.stdout.write(`${e}
`),"stdout"),stderr:s(e=>process.stderr.write(`${e}
`),"stderr"),terminal:{isTTY:process.stderr.isTTY===!0,write:s(e=>process.stderr.write(e),"write")},cwd:process.cwd(),env:process.env,onSignal:s(e=>(process.on("SIGINT",e),process.on("SIGTERM",e),()=>{process.off("SIGINT",e),process.off("SIGTERM",e)}),"onSignal")});process.exitCode=r;i.verdict(r);await new Promise(e=>process.stdout.write("",()=>process.stderr.write("",()=>e())));o.flushCompileCache?.();process.exit(r);
