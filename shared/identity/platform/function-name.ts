/**
 * The platform function's name on a stage: fixed, so that `npm run admin -- --stage <stage>`
 * finds it without reading the stack's outputs (it is also the stack's output
 * PlatformFunctionName). One stage per account and region, as the stack's own name.
 */
export const platformFunctionName = (stage: string): string => `osma-platform-admin-${stage}`;
