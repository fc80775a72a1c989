/**
 * The organization's projects, as seeded, and the listing of `GET /organization/projects` over them: oldest first
 * (OpenAI does not document the order; creation order keeps a page stable as projects are added), archived ones only
 * when asked for.
 */
import { UnknownCursorError } from "./store";

/** `Project` on the wire. */
export interface ProjectBody {
    object: "organization.project";
    id: string;
    name: string | null;
    created_at: number;
    archived_at: number | null;
    status: "active" | "archived";
}

/** A project as a seed gives it: archived when it has an `archived_at`. */
export interface ProjectSeed {
    id: string;
    name?: string | null;
    created_at?: number;
    archived_at?: number | null;
}

export interface ProjectQuery {
    readonly limit: number;
    readonly after?: string;
    readonly includeArchived: boolean;
}

export class Projects {
    /** Oldest first, ties in seed order. */
    private projects: ProjectBody[] = [];
    private byId = new Map<string, ProjectBody>();

    /** Replaces every project with the seed's (already validated); one without `created_at` is created `now`. */
    load(seeds: readonly ProjectSeed[], now: number): void {
        const projects = seeds.map(
            (seed): ProjectBody => ({
                object: "organization.project",
                id: seed.id,
                name: seed.name ?? null,
                created_at: seed.created_at ?? now,
                archived_at: seed.archived_at ?? null,
                status: seed.archived_at === undefined || seed.archived_at === null ? "active" : "archived",
            }),
        );
        // A stable sort: projects of the same second stay in seed order.
        this.projects = projects.sort((a, b) => a.created_at - b.created_at);
        this.byId = new Map(this.projects.map((project) => [project.id, project]));
    }

    get(id: string): ProjectBody | undefined {
        return this.byId.get(id);
    }

    /** Every project, in the seed's form. */
    seeds(): ProjectSeed[] {
        return this.projects.map(({ id, name, created_at, archived_at }) => ({ id, name, created_at, archived_at }));
    }

    /** One page; `after` is a project id, placed among all projects, archived ones included. */
    list(query: ProjectQuery): { data: ProjectBody[]; hasMore: boolean } {
        let start = 0;
        if (query.after !== undefined) {
            const index = this.projects.findIndex((project) => project.id === query.after);
            if (index < 0) throw new UnknownCursorError(query.after);
            start = index + 1;
        }
        const listed = this.projects.slice(start).filter((project) => query.includeArchived || project.status === "active");
        return { data: listed.slice(0, query.limit), hasMore: listed.length > query.limit };
    }
}
