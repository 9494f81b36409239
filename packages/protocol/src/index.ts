export * from "./channels";
export * from "./rooms";
export * from "./errors";
export * from "./envelope";
export * from "./payloads";
export * from "./events";
export * from "./filters";
export * from "./product";
