export { loadConfig, ConfigError, DEV_JWT_SECRET, DEV_ADMIN_PASSWORD, type Config, type JwtKey, type LoadedConfig } from "./load-config";
export { envSchema, type Env } from "./schema";
