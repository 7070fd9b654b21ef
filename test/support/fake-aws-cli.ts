import { readFileSync, writeFileSync } from 'node:fs';

/**
 * A stand-in for `aws lambda invoke` (the only AWS CLI command `npm run admin` runs), for the
 * tests: it runs the platform function's handler in this process, against the DynamoDB the
 * environment names, and answers as the AWS CLI does (the invocation's status on stdout, the
 * function's answer in the out file). A function name other than FAKE_AWS_FUNCTION_NAME is not
 * found, as in an account without it.
 */
const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
const outFile = args.at(-1)!;
const payload = option('--payload');

if (args[0] !== 'lambda' || args[1] !== 'invoke' || !payload?.startsWith('fileb://')) {
  process.stderr.write(`fake aws: unexpected command: ${args.join(' ')}\n`);
  process.exit(252);
}
if (option('--function-name') !== process.env.FAKE_AWS_FUNCTION_NAME) {
  process.stderr.write(`An error occurred (ResourceNotFoundException) when calling the Invoke operation: Function not found: ${option('--function-name')}\n`);
  process.exit(254);
}
const { handler } = await import('#functions/platform/admin');
try {
  const answer = await handler(JSON.parse(readFileSync(payload.slice('fileb://'.length), 'utf8')));
  writeFileSync(outFile, JSON.stringify(answer));
  process.stdout.write(`${JSON.stringify({ StatusCode: 200, ExecutedVersion: '$LATEST' })}\n`);
} catch (error) {
  writeFileSync(outFile, JSON.stringify({ errorType: (error as Error).name, errorMessage: (error as Error).message }));
  process.stdout.write(`${JSON.stringify({ StatusCode: 200, FunctionError: 'Unhandled', ExecutedVersion: '$LATEST' })}\n`);
}
