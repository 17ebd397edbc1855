/**
 * Runs the command line from source (`src/cli/index.ts` through tsx), as the CLI tests need it: exit code,
 * stdout and stderr, never throwing on a non-zero exit.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root (the CLI's working directory in these tests). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const cli = path.join(REPO_ROOT, "src", "cli", "index.ts");

/** What one run printed and how it ended. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `near-callback-guards <args…>` in the repository's root. */
export function runCli(...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", cli, ...args], { cwd: REPO_ROOT, env: { ...process.env, NODE_OPTIONS: "" }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
