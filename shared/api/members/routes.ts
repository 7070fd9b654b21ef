import { createMemberBody, member, updateMemberBody } from '#shared/api/members/schemas';
import { idPath, listOf, listQuery } from '#shared/api/schemas';
import { routeTable } from '#shared/http/route';

export const memberRoutes = routeTable(
  { functions: 'api/members', tag: 'Members', auth: 'apiKey' },
  {
    createMember: {
      method: 'POST',
      path: '/members',
      handler: 'create',
      summary: 'Create a member',
      request: { body: createMemberBody },
      success: { status: 201, description: 'The new member.', schema: member },
      errors: [409],
    },
    getMember: {
      method: 'GET',
      path: '/members/{id}',
      handler: 'get',
      summary: 'Get one member',
      request: { path: idPath },
      success: { status: 200, description: 'The member.', schema: member },
      errors: [404],
    },
    updateMember: {
      method: 'POST',
      path: '/members/{id}',
      handler: 'update',
      summary: 'Update a member',
      request: { path: idPath, body: updateMemberBody },
      success: { status: 200, description: 'The updated member.', schema: member },
      errors: [404, 409],
    },
    deleteMember: {
      method: 'DELETE',
      path: '/members/{id}',
      handler: 'delete',
      summary: 'Delete a member (soft)',
      request: { path: idPath },
      success: { status: 200, description: 'The member, with status deleted.', schema: member },
      errors: [404],
    },
    listMembers: {
      method: 'GET',
      path: '/members',
      handler: 'list',
      summary: 'List all members',
      request: { query: listQuery },
      success: { status: 200, description: 'A page of members, newest first.', schema: listOf(member) },
    },
  },
);
