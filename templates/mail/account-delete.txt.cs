Subject: <?cs var:Lang.Account.Mail.DeleteSubject ?> <?cs var:Shop.Name ?>
<?cs var:Mail.Hello ?>

<?cs var:Lang.Account.Mail.DeleteIntro ?>

<?cs var:Lang.Account.Mail.DeleteText ?>

<?cs var:Mail.Link ?>

<?cs var:Lang.Account.Mail.DeleteCode ?> <?cs var:Mail.Code ?>

<?cs var:Lang.Account.Mail.DeleteExpiry ?>
<?cs var:Lang.Account.Mail.NotYou ?>

<?cs var:Shop.Name ?>
