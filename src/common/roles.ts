export const ROLES = ['admin', 'editor', 'publisher', 'evaluator', 'auditor', 'reviewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** admin implies every other role. */
export function hasRole(roles: readonly Role[], wanted: readonly Role[]): boolean {
  return roles.includes('admin') || wanted.some((role) => roles.includes(role));
}
