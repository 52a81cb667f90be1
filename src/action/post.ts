// The action's post entry (dist/post.js): runs after the job, even when it failed or was cancelled.
import { cleanup } from "./main.ts";

await cleanup(process.env, process.cwd());
