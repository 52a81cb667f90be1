// What chaos-action uses of @kubernetes/client-node at run time, loaded on first use through
// `clientNode()` (cluster-client.ts). Named one by one, not imported whole: a dynamic import of the
// package keeps every API group's client (60-odd classes, 1.4 MB bundled) in the bundle and in
// memory, where naming them lets the bundler leave out the ones no activity calls.
export {
  ApiException,
  AppsV1Api,
  AuthorizationV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  createConfiguration,
  EventsV1Api,
  Exec,
  HttpInfo,
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  KubeConfig,
  KubernetesObjectApi,
  Observable,
  PatchStrategy,
  RequestContext,
  ResponseContext,
  SelfDecodingBody,
  ServerConfiguration,
  setHeaderMiddleware,
  setHeaderOptions,
  V1MicroTime,
  VersionApi,
  Watch,
  wrapHttpLibrary,
} from "@kubernetes/client-node";
