<?cs def:field_error(name) ?><?cs if:Page.Errors[name] ?><p class="field-error" id="<?cs var:name ?>-error"><?cs var:Page.Errors[name] ?></p><?cs /if ?><?cs /def ?><?cs
def:csrf_field() ?><input type="hidden" name="csrf" value="<?cs var:Page.Csrf ?>"><?cs /def ?><?cs
# A person's name, the same way on every page: the last name first, in
# small capitals, a comma, the first name ("ANDRÉ, Amélie"); what is
# missing is left out, and "none" stands in when both are. ?><?cs
def:person_name(last, first, none) ?><?cs if:last ?><span class="family-name"><?cs var:last ?></span><?cs if:first ?>, <?cs /if ?><?cs /if ?><?cs var:first ?><?cs if:!last && !first ?><?cs var:none ?><?cs /if ?><?cs /def ?><?cs
# The same as plain text, for attributes. ?><?cs
def:name_text(last, first, none) ?><?cs var:last ?><?cs if:last && first ?>, <?cs /if ?><?cs var:first ?><?cs if:!last && !first ?><?cs var:none ?><?cs /if ?><?cs /def ?><?cs
# The list view a customer's page came from, carried by its forms. ?><?cs
def:back_field() ?><?cs if:Page.Back ?><input type="hidden" name="back" value="<?cs var:Page.Back ?>"><?cs /if ?><?cs /def ?><?cs
# An e-mail address that may break before its "@" (<wbr>) on a narrow
# page, not in the middle of a word. ?><?cs
def:email_text(address) ?><?cs if:string.find(address, "@") > 0 ?><?cs var:string.slice(address, 0, string.find(address, "@")) ?><wbr><?cs var:string.slice(address, string.find(address, "@"), string.length(address)) ?><?cs else ?><?cs var:address ?><?cs /if ?><?cs /def ?><?cs
# one or many after a count: French says "0 client", English "0 customers" ?><?cs
def:plural(count, one, many) ?><?cs if:count == 1 || (count == 0 && Lang.Plural.ZeroIsOne == 1) ?><?cs var:one ?><?cs else ?><?cs var:many ?><?cs /if ?><?cs /def ?>
