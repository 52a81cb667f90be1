/** The annotation on every object we create or change, naming the run. */
export const RUN_ANNOTATION = "chaos-action/run";
