/**
 * The organization's projects (`GET /organization/projects`): one page, or every page through the shared paging
 * loop; archived ones only when asked for, as the API does.
 */
import { ProjectListWire, toProject } from "../api/organization-admin";
import type { Project, ProjectPage } from "../api/types";
import { checkBoolean, checkLimit, checkProjectId } from "./arguments";
import type { OpenAIClient, RequestOptions } from "./core";
import { fetchPage, listEvery, pagesOf, type Listing, type ListingOptions } from "./paging";

const PATH = "/organization/projects";

export interface ProjectListPageParams extends RequestOptions {
    /** Archived projects too (`include_archived`); the API's default is false. */
    includeArchived?: boolean;
    /** The project id the page starts after. */
    after?: string;
    /** 1 to 100; the API's default is 20. */
    limit?: number;
}

export interface ProjectListAllParams extends ListingOptions {
    /** Archived projects too (`include_archived`); the API's default is false. */
    includeArchived?: boolean;
}

/** The organization's projects at a moment, in the API's order. */
export interface ProjectListing {
    readonly projects: Project[];
    /** How many requests it took. */
    readonly pages: number;
}

export class ProjectsAPI {
    constructor(private readonly client: OpenAIClient) {}

    /** One page of the projects, as the API answered it. */
    async listPage(params: ProjectListPageParams = {}): Promise<ProjectPage> {
        const query = {
            include_archived: archivedQuery(params),
            after: params.after === undefined ? undefined : checkProjectId(params.after, "after"),
            limit: params.limit === undefined ? undefined : checkLimit(params.limit),
        };
        return (await fetchPage(this.client, PATH, query, ProjectListWire, toProject, params)).page;
    }

    /**
     * Every project, following the cursor until `has_more` is false, within the client's `listingLimits`
     * (`maxPages`, `maxProjects`, `deadlineMs`). A project listed twice is counted once.
     */
    async listAll(params: ProjectListAllParams = {}): Promise<ProjectListing> {
        const { items, pages } = await listEvery(this.client, this.listing(params), params);
        return { projects: items, pages };
    }

    /** The pages of a listing, fetched as they are consumed, within the same bounds as `listAll`. */
    async *pages(params: ProjectListAllParams = {}): AsyncGenerator<ProjectPage> {
        yield* pagesOf(this.client, this.listing(params), params);
    }

    private listing(params: ProjectListAllParams): Listing<Project> {
        const includeArchived = archivedQuery(params);
        return {
            subject: "the organization's projects",
            noun: "project",
            itemLimit: "maxProjects",
            fetch: (after, limit, options) => fetchPage(this.client, PATH, { include_archived: includeArchived, after, limit }, ProjectListWire, toProject, options),
            // A project renamed while it is listed is the same project; one created twice is not.
            conflict: (first, again) => (first.createdAt === again.createdAt ? undefined : `created at ${first.createdAt} and at ${again.createdAt}`),
        };
    }
}

function archivedQuery(params: { includeArchived?: boolean }): boolean | undefined {
    return params.includeArchived === undefined ? undefined : checkBoolean(params.includeArchived, "includeArchived");
}
