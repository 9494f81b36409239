export { loadConfig, ConfigError, type LoadedConfig } from "./load-config";
export { configSchema, envSchema, DEV_JWT_SECRET, DEV_ADMIN_PASSWORD, type Config, type Env, type JwtKey } from "./schema";
