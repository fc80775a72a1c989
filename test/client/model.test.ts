import { describe, expect, it } from "vitest";
import { PermissionListWire, toPage } from "../../provider/api/model";

describe("the API model", () => {
    it("tolerates fields OpenAI may add tomorrow, and turns the rest into camelCase", () => {
        const wire = {
            object: "list",
            data: [{ object: "checkpoint.permission", id: "cp_1", created_at: 1712211699, project_id: "proj_a", region: "eu" }],
            first_id: "cp_1",
            last_id: "cp_1",
            has_more: false,
            total: 1,
        };
        expect(toPage(PermissionListWire.parse(wire))).toEqual({
            data: [{ id: "cp_1", projectId: "proj_a", createdAt: 1712211699 }],
            firstId: "cp_1",
            lastId: "cp_1",
            hasMore: false,
        });
    });

    it("reads absent cursors as null", () => {
        expect(toPage(PermissionListWire.parse({ object: "list", data: [], has_more: false }))).toMatchObject({ firstId: null, lastId: null });
    });
});
