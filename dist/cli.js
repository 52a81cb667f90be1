#!/usr/bin/env node
import{createRequire as __chaosCreateRequire}from'node:module';const require=__chaosCreateRequire(import.meta.url);
import{a as s}from"./chunks/chunk-e3b0c442.js";import*as o from"node:module";o.enableCompileCache?.();var{main:c}=await import("./chunks/main-c26c017f.js"),r=await c(process.argv.slice(2),{stdout:s(e=>process.stdout.write(`${e}
`),"stdout"),stderr:s(e=>process.stderr.write(`${e}
`),"stderr"),terminal:{isTTY:process.stderr.isTTY===!0,write:s(e=>process.stderr.write(e),"write")},cwd:process.cwd(),env:process.env,onSignal:s(e=>(process.on("SIGINT",e),process.on("SIGTERM",e),()=>{process.off("SIGINT",e),process.off("SIGTERM",e)}),"onSignal")});process.exitCode=r;var t=s(()=>setTimeout(()=>process.exit(r),1e3).unref(),"afterVerdict");process.on("SIGINT",t);process.on("SIGTERM",t);
