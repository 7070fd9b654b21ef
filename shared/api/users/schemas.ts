import * as z from 'zod';
import { statusTransition, timestampSchema } from '#shared/api/schemas';

export const USER_STATUSES = ['active', 'inactive', 'invited'] as const;
const userStatus = z.enum(USER_STATUSES);

export const user = z
  .object({
    id: z.string().meta({ example: 'usr_2C7PGhJ0dGhQ4ZdD2mB9iWcXk3L' }),
    created_at: timestampSchema,
    updated_at: timestampSchema,
    email: z.email(),
    full_name: z.string(),
    roles: z.array(z.object({ title: z.string().meta({ example: 'Pharmacist' }) })),
    status: userStatus,
    status_transitions: z.array(statusTransition(userStatus)),
  })
  .meta({
    id: 'User',
    description: 'A user of your organization, managed in the Osma dashboard. Identical in test and live mode.',
  });

export type User = z.infer<typeof user>;
export type UserStatus = User['status'];
