import * as z from 'zod';
import { isoDate, metadataInput, metadataOutput, statusTransition, timestampSchema } from '#shared/api/schemas';

export const MEMBER_STATUSES = ['active', 'inactive', 'deleted'] as const;
export const BIOLOGICAL_SEXES = ['male', 'female', 'other'] as const;

const memberStatus = z.enum(MEMBER_STATUSES);

export const member = z
  .object({
    id: z.string().meta({ example: 'mem_28bnB4MCh2qygiyaHQ6jNGUbl10' }),
    created_at: timestampSchema,
    updated_at: timestampSchema,
    name: z.string(),
    email: z.email(),
    status: memberStatus,
    status_transitions: z.array(statusTransition(memberStatus)),
    date_of_birth: z.string().meta({ format: 'date' }).nullable().meta({ example: '1993-09-16' }),
    biological_sex: z.enum(BIOLOGICAL_SEXES).nullable(),
    gender_identity: z.string().nullable(),
    live_mode: z.boolean(),
    metadata: metadataOutput,
  })
  .meta({ id: 'Member', description: 'A member that your organization serves.' });

export type Member = z.infer<typeof member>;

const dateOfBirth = isoDate('date_of_birth')
  .refine((date) => date <= new Date().toISOString().slice(0, 10), { error: 'date_of_birth must not be in the future' })
  .meta({ format: 'date' });

const memberFields = {
  name: z.string().trim().min(1).max(200).meta({ description: "The member's full name." }),
  email: z.email().max(254).meta({ description: "The member's contact email, unique among the organization's members." }),
  date_of_birth: dateOfBirth.nullable().optional().meta({ description: 'ISO 8601 date, e.g. 1993-09-16.' }),
  biological_sex: z.enum(BIOLOGICAL_SEXES).nullable().optional(),
  gender_identity: z.string().max(100).nullable().optional(),
  metadata: metadataInput.optional(),
};

export const createMemberBody = z.strictObject(memberFields).meta({ id: 'CreateMemberRequest' });

export const updateMemberBody = z
  .strictObject({
    name: memberFields.name.optional(),
    email: memberFields.email.optional(),
    date_of_birth: memberFields.date_of_birth,
    biological_sex: memberFields.biological_sex,
    gender_identity: memberFields.gender_identity,
    metadata: memberFields.metadata.nullable(),
    status: z
      .enum(['active', 'inactive'])
      .optional()
      .meta({ description: 'Extension: make a member inactive or active again. Deleting is DELETE.' }),
  })
  .meta({ id: 'UpdateMemberRequest' });

export type CreateMemberInput = z.infer<typeof createMemberBody>;
export type UpdateMemberInput = z.infer<typeof updateMemberBody>;
