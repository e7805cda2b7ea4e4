/** The options every command accepts (flags or HANDRAIL_* environment variables). */
export interface GlobalOptions {
  dataDir?: string;
  workspace?: string;
  operator?: string;
}
