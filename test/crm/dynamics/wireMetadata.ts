import { columnLabel, defaultFormValue, formatName, TABLE_LABELS, validity } from './dataverseLabels.js';
import { isLookup, TABLE_BY_NAME, TABLES, type TableDef } from './dataverseSchema.js';
import { error, type Reply } from './wireReply.js';

/**
 * EntityDefinitions of the local Dataverse, as the Web API's metadata documentation shapes them
 * ("Query table definitions using the Web API"; EntityMetadata, AttributeMetadata and its casts
 * StringAttributeMetadata, MemoAttributeMetadata, PicklistAttributeMetadata, StatusAttributeMetadata,
 * StateAttributeMetadata, MultiSelectPicklistAttributeMetadata):
 * - GET EntityDefinitions: every table's LogicalName, EntitySetName, DisplayName;
 * - GET EntityDefinitions(LogicalName='x'): the table with DisplayName, primary columns, Attributes
 *   (DisplayName, AttributeType, AttributeOf, IsValidForRead/Create/Update/Form) and ManyToOneRelationships;
 *   a lookup's derived name column ("parentcustomeridname") with AttributeOf set and an empty DisplayName;
 * - GET EntityDefinitions(LogicalName='x')/Attributes/Microsoft.Dynamics.CRM.<cast>: the columns of that type,
 *   with MaxLength and FormatName (strings), OptionSet and DefaultFormValue (choices);
 * - an unknown table: 404 with Dataverse's message. $select and $expand are answered in full: the docs do not
 *   say what a server leaves out, and the connector reads only what it asked for.
 */
export function entityDefinitions(base: string, method: string, resource: string): Reply {
  if (method !== 'GET') return error(405, '0x80060888', 'Only GET is supported on EntityDefinitions by this test server.');
  if (resource === 'EntityDefinitions') {
    return {
      status: 200,
      body: {
        '@odata.context': `${base}$metadata#EntityDefinitions(LogicalName,EntitySetName)`,
        value: TABLES.map((t) => ({ LogicalName: t.logicalName, EntitySetName: t.setName, DisplayName: label(TABLE_LABELS[t.logicalName]!), MetadataId: metadataId(t.logicalName) })),
      },
    };
  }
  const match = /^EntityDefinitions\(LogicalName='([a-z_0-9]+)'\)(?:\/Attributes\/Microsoft\.Dynamics\.CRM\.(\w+))?$/.exec(resource);
  const table = match && TABLE_BY_NAME.get(match[1]!);
  if (!match || !table) return error(404, '0x80040217', `Could not find an entity with the key ${resource.slice('EntityDefinitions'.length)}.`);
  const cast = match[2];
  if (cast === 'StringAttributeMetadata' || cast === 'MemoAttributeMetadata') return textColumns(base, table, cast);
  if (cast) return choiceColumns(base, table, cast);
  return definition(base, table);
}

function definition(base: string, table: TableDef): Reply {
  const attributes: unknown[] = [];
  const relationships: unknown[] = [];
  for (const [name, c] of Object.entries(table.columns)) {
    const valid = validity(table, name, c);
    attributes.push({
      LogicalName: name,
      AttributeType: c.type,
      AttributeOf: null,
      AttributeTypeName: { Value: `${c.type}Type` },
      DisplayName: label(columnLabel(table, name)),
      IsValidForRead: true,
      IsValidForCreate: valid.create,
      IsValidForUpdate: valid.update,
      IsValidForForm: valid.form,
      MetadataId: metadataId(`${table.logicalName}.${name}`),
    });
    if (!isLookup(c)) continue;
    // The lookup's name, derived (as Microsoft's reference pages list "ParentCustomerIdName": no label, not on forms).
    attributes.push({
      LogicalName: `${name}name`,
      AttributeType: 'String',
      AttributeOf: name,
      AttributeTypeName: { Value: 'StringType' },
      DisplayName: label(''),
      IsValidForRead: true,
      IsValidForCreate: false,
      IsValidForUpdate: false,
      IsValidForForm: false,
      MetadataId: metadataId(`${table.logicalName}.${name}name`),
    });
    for (const [target, nav] of Object.entries(c.targets!)) {
      relationships.push({ SchemaName: `${table.logicalName}_${name}_${target}`, ReferencingAttribute: name, ReferencedEntity: target, ReferencingEntityNavigationPropertyName: nav });
    }
  }
  return {
    status: 200,
    body: {
      '@odata.context': `${base}$metadata#EntityDefinitions(LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,DisplayName,Attributes(),ManyToOneRelationships())/$entity`,
      LogicalName: table.logicalName,
      EntitySetName: table.setName,
      PrimaryIdAttribute: table.primaryId,
      PrimaryNameAttribute: table.primaryName,
      DisplayName: label(TABLE_LABELS[table.logicalName]!),
      MetadataId: metadataId(table.logicalName),
      Attributes: attributes,
      ManyToOneRelationships: relationships,
    },
  };
}

function textColumns(base: string, table: TableDef, cast: 'StringAttributeMetadata' | 'MemoAttributeMetadata'): Reply {
  const type = cast === 'StringAttributeMetadata' ? 'String' : 'Memo';
  return {
    status: 200,
    body: {
      '@odata.context': `${base}$metadata#EntityDefinitions('${table.logicalName}')/Attributes/Microsoft.Dynamics.CRM.${cast}`,
      value: Object.entries(table.columns)
        .filter(([, c]) => c.type === type)
        .map(([name, c]) => ({
          LogicalName: name,
          MetadataId: metadataId(`${table.logicalName}.${name}`),
          MaxLength: c.maxLength ?? null,
          // FormatName is a StringAttributeMetadata property; memos have none.
          ...(type === 'String' ? { FormatName: { Value: formatName(name) } } : {}),
        })),
    },
  };
}

const CHOICE_TYPES: Record<string, string> = {
  PicklistAttributeMetadata: 'Picklist',
  StatusAttributeMetadata: 'Status',
  StateAttributeMetadata: 'State',
  MultiSelectPicklistAttributeMetadata: 'MultiSelectPicklist',
};

function choiceColumns(base: string, table: TableDef, cast: string): Reply {
  const type = CHOICE_TYPES[cast];
  if (!type) return error(400, '0x80060888', `The type 'Microsoft.Dynamics.CRM.${cast}' is not a choice attribute type.`);
  return {
    status: 200,
    body: {
      '@odata.context': `${base}$metadata#EntityDefinitions('${table.logicalName}')/Attributes/Microsoft.Dynamics.CRM.${cast}(LogicalName,DefaultFormValue,OptionSet(Options))`,
      value: Object.entries(table.columns)
        .filter(([, c]) => c.type === type)
        .map(([name, c]) => ({
          LogicalName: name,
          MetadataId: metadataId(`${table.logicalName}.${name}`),
          DefaultFormValue: defaultFormValue(table, name),
          OptionSet: { Options: c.options!.map((o) => ({ Value: o.value, ...(o.state === undefined ? {} : { State: o.state }), Label: label(o.label) })) },
        })),
    },
  };
}

/** A Label as Dataverse sends it: localized labels, and the one in the user's language (null when none). */
function label(text: string): unknown {
  const localized = text ? [{ Label: text, LanguageCode: 1033, IsManaged: true }] : [];
  return { LocalizedLabels: localized, UserLocalizedLabel: localized[0] ?? null };
}

export function metadataId(name: string): string {
  const hex = Buffer.from(name.padEnd(16, '_')).subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
