#!/usr/bin/env node
import{createRequire as __chaosCreateRequire}from'node:module';const require=__chaosCreateRequire(import.meta.url);
import{a as o}from"./chunks/chunk-acfbe3da.js";import{a as e}from"./chunks/chunk-e3b0c442.js";import*as r from"node:module";var c=o();r.enableCompileCache?.();var{main:i}=await import("./chunks/main-c26c017f.js"),t=await i(process.argv.slice(2),{stdout:e(s=>process.stdout.write(`${s}
`),"stdout"),stderr:e(s=>process.stderr.write(`${s}
`),"stderr"),terminal:{isTTY:process.stderr.isTTY===!0,write:e(s=>process.stderr.write(s),"write")},cwd:process.cwd(),env:process.env,onSignal:e(s=>(process.on("SIGINT",s),process.on("SIGTERM",s),()=>{process.off("SIGINT",s),process.off("SIGTERM",s)}),"onSignal")});process.exitCode=t;c.verdict(t);
