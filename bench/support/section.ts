import type { RouteDefinition } from '#shared/http/route';
import type { BenchOptions, BenchPlan } from '#bench/support/options';
import type { SectionResult } from '#bench/support/report';

export interface SectionContext {
  options: BenchOptions;
  plan: BenchPlan;
  /** The public API's routes (shared/api/routes.ts), after --routes. */
  routes: RouteDefinition[];
}

export type SectionOutput = Omit<SectionResult, 'id' | 'seconds'>;

export type Section = (context: SectionContext) => Promise<SectionOutput>;
