// The LiveStore schema every interop client uses: one synced event and the table it materializes into.
import { Events, makeSchema, Schema, State } from '@livestore/livestore'

export const events = {
  todoCreated: Events.synced({
    name: 'v1.TodoCreated',
    schema: Schema.Struct({ id: Schema.String, text: Schema.String, author: Schema.String, note: Schema.String }),
  }),
}

export const tables = {
  todos: State.SQLite.table({
    name: 'todos',
    columns: {
      id: State.SQLite.text({ primaryKey: true }),
      text: State.SQLite.text({ default: '' }),
      author: State.SQLite.text({ default: '' }),
      note: State.SQLite.text({ default: '' }),
    },
  }),
}

const materializers = State.SQLite.materializers(events, {
  'v1.TodoCreated': ({ id, text, author, note }) => tables.todos.insert({ id, text, author, note }),
})

export const schema = makeSchema({ events, state: State.SQLite.makeState({ tables, materializers }) })
