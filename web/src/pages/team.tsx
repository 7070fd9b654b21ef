import type { Place } from '../router';
import type { Me } from '../session';
import { Invitations } from './team-invitations';
import { People, Person } from './team-people';
import { Roles } from './team-roles';

/** Team: People (`/team`, one person at `/team/people/<id>`), Invitations and Roles. */
export function Team(props: { place: Place; me: Me }) {
  const { place, me } = props;
  if (place.path === '/team/invitations') return <Invitations place={place} me={me} />;
  if (place.path === '/team/roles') return <Roles place={place} me={me} />;
  const person = /^\/team\/people\/([^/]+)$/.exec(place.path)?.[1];
  if (person) return <Person key={person} place={place} me={me} id={decodeURIComponent(person)} />;
  return <People place={place} me={me} />;
}

/** The Team section's sub-navigation, under "Team" in the main navigation. */
export const TEAM_PAGES = [
  { path: '/team', label: 'People', current: (path: string) => path === '/team' || path.startsWith('/team/people/') },
  { path: '/team/invitations', label: 'Invitations', current: (path: string) => path === '/team/invitations' },
  { path: '/team/roles', label: 'Roles', current: (path: string) => path === '/team/roles' },
];
