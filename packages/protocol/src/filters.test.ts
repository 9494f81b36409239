import { deliveryRooms, filterRooms, passesFilter } from "./filters";
import { PRIORITY_MAX, PRIORITY_MIN } from "./channels";

const filters = [
  {},
  { minPriority: 3 },
  { types: ["message"] },
  { types: ["message", "status"], minPriority: 7 },
  { types: ["status"], minPriority: 0 },
];

describe("filter rooms", () => {
  it("an event reaches a filter's room exactly when it passes the filter", () => {
    for (const filter of filters) {
      for (const type of ["message", "status", "other"]) {
        for (let priority = PRIORITY_MIN; priority <= PRIORITY_MAX; priority++) {
          const emitted = new Set(deliveryRooms("acme:chat:s1", type, priority));
          const joined = filterRooms("acme:chat:s1", filter);
          const reached = joined.some((room) => emitted.has(room));
          expect({ filter, type, priority, reached }).toEqual({
            filter,
            type,
            priority,
            reached: passesFilter(filter, { type, priority }),
          });
        }
      }
    }
  });

  it("an unfiltered subscription is the stream room itself", () => {
    expect(filterRooms("acme:analytics", {})).toEqual(["acme:analytics"]);
  });
});
