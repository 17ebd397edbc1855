/** Jest global setup: prints the sandbox suite's skip line once per run when it cannot run here. */
import { missingPrerequisites, skipLine } from "./prerequisites";

export default function globalSetup(): void {
  const missing = missingPrerequisites(process.cwd());
  if (missing.length > 0) process.stderr.write(`\n${skipLine(missing)}\n`);
}
